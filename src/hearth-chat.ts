/**
 * The web component's entry (`dist/lib/hearth-chat.js`): one script tag defines <hearth-chat>.
 *
 * ```html
 * <script type="module" src="https://hearth.example/lib/hearth-chat.js"></script>
 * <hearth-chat model="hearth-demo/tiny-llama-chat"></hearth-chat>
 * ```
 */
import './ui/hearth-chat/zod-without-eval.ts';

export {
  HearthChat,
  type HearthChatErrorDetail,
  type HearthChatMessage,
  type HearthChatProgressDetail,
  type HearthChatReadyDetail,
} from './ui/hearth-chat/hearth-chat.ts';
export { HEARTH_CHAT_ERROR_CODES, type HearthChatErrorCode } from './ui/hearth-chat/errors.ts';

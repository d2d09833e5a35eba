/** `/v1/models`: the base models this server can fine-tune, in OpenAI's shape. */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../http/errors.ts';
import type { BaseModel } from '../models/catalog.ts';
import type { Services } from '../services.ts';

const modelObject = (model: BaseModel) => ({
  id: model.id,
  object: 'model' as const,
  created: model.created,
  owned_by: model.id.split('/')[0] ?? 'hearth',
  max_tokens: model.maxTokens,
});

export function registerModelRoutes(app: FastifyInstance, s: Services): void {
  app.get('/v1/models', async () => ({ object: 'list' as const, data: s.catalog.list().map(modelObject) }));
  // Model ids contain a slash (`org/name`), so the id is the rest of the path.
  app.get<{ Params: { '*': string } }>('/v1/models/*', async (request) => {
    const model = s.catalog.get(request.params['*']);
    if (!model) throw notFound('model', request.params['*']);
    return modelObject(model);
  });
}

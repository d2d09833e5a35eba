import { css, html, LitElement, nothing } from 'lit';
import type { DeviceReport } from '../runtime/device.ts';
import type { SharedEngineStatus } from '../runtime/shared-engine-host.ts';
import { formatBytes } from '../core/format-bytes.ts';

/** Shows what the device offers: WebGPU adapter, limits, isolation, threads, storage. */
export class DevicePanel extends LitElement {
  static override properties = {
    report: { attribute: false },
    error: {},
    engine: { attribute: false },
    build: {},
    offline: {},
  };
  declare report: DeviceReport | undefined;
  declare error: string;
  /** The chat engine shared by this build's tabs; null where tabs cannot share one. */
  declare engine: SharedEngineStatus | null | undefined;
  declare build: string;
  /** Whether the app is stored for use without a network. */
  declare offline: string;

  constructor() {
    super();
    this.error = '';
    this.build = '';
    this.offline = '';
  }

  static override styles = css`
    :host {
      display: block;
      border: 1px solid #8884;
      border-radius: 8px;
      padding: 1rem;
    }
    h2 {
      margin: 0 0 0.5rem;
      font-size: 1.1rem;
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.25rem 1rem;
      margin: 0;
    }
    dt {
      font-weight: 600;
    }
    dd {
      margin: 0;
      font-family: ui-monospace, monospace;
    }
    .ok {
      color: #2a7a2a;
    }
    .bad {
      color: #b23a3a;
    }
  `;

  override render() {
    if (this.error)
      return html`<h2>Device</h2>
        <p class="bad" role="alert">${this.error}</p>`;
    const report = this.report;
    if (!report)
      return html`<h2>Device</h2>
        <p>Probing…</p>`;
    const gpu = report.webgpu;
    return html`
      <h2>Device</h2>
      <dl data-testid="device-report">
        <dt>WebGPU</dt>
        <dd data-field="webgpu" class=${gpu.available ? 'ok' : 'bad'}>
          ${gpu.available ? `${gpu.vendor || 'unknown vendor'} / ${gpu.architecture || 'unknown architecture'}` : gpu.reason}
        </dd>
        ${
          gpu.available
            ? html`
                <dt>shader-f16</dt>
                <dd data-field="shader-f16">${gpu.shaderF16 ? 'yes' : 'no'}</dd>
                <dt>maxBufferSize</dt>
                <dd data-field="max-buffer">${formatBytes(gpu.limits.maxBufferSize)}</dd>
                <dt>maxStorageBufferBindingSize</dt>
                <dd data-field="max-storage-binding">
                  ${formatBytes(gpu.limits.maxStorageBufferBindingSize)}
                </dd>
              `
            : nothing
        }
        <dt>Cross-origin isolated</dt>
        <dd data-field="isolated" class=${report.crossOriginIsolated ? 'ok' : 'bad'}>
          ${report.crossOriginIsolated ? 'yes (multi-threaded WASM available)' : 'no (WASM runs on one thread)'}
        </dd>
        <dt>CPU threads</dt>
        <dd data-field="threads">${report.hardwareConcurrency}</dd>
        <dt>WASM threads</dt>
        <dd data-field="wasm-threads" class=${report.wasmThreads.available > 1 ? 'ok' : 'bad'}>
          ${report.wasmThreads.available}: ${report.wasmThreads.reason}
        </dd>
        <dt>Model storage</dt>
        <dd data-field="model-storage" data-kind=${report.modelStorage.kind}>
          ${report.modelStorage.reason}
        </dd>
        <dt>Chat engine</dt>
        <dd data-field="engine">${describeEngine(this.engine)}</dd>
        ${
          this.offline
            ? html`<dt>Offline</dt>
                <dd data-field="offline">${this.offline}</dd>`
            : nothing
        }
        ${
          this.build
            ? html`<dt>Version</dt>
                <dd data-field="build">${this.build}</dd>`
            : nothing
        }
        <dt>Storage</dt>
        <dd data-field="storage">
          ${formatBytes(report.storage.usage)} used of ${formatBytes(report.storage.quota)}
        </dd>
        <dt>Persistent storage</dt>
        <dd data-field="persisted">
          ${report.storage.persisted === null ? 'unknown' : report.storage.persisted ? 'granted' : 'not granted (the browser may evict data)'}
        </dd>
      </dl>
    `;
  }
}

function describeEngine(engine: SharedEngineStatus | null | undefined): string {
  if (engine === undefined) return 'Asking…';
  if (engine === null)
    return 'This browser has no SharedWorker (or no Web Locks): each tab runs its own chat engine.';
  const tabs = engine.sessions === 1 ? '1 tab' : `${engine.sessions} tabs`;
  const loads = engine.modelLoads === 1 ? 'once' : `${engine.modelLoads} times`;
  return `One engine for every tab of this version: serving ${tabs}; ${
    engine.model ? `${engine.model} loaded (models loaded ${loads})` : 'no model loaded yet'
  }.`;
}

customElements.define('hearth-device-panel', DevicePanel);

declare global {
  interface HTMLElementTagNameMap {
    'hearth-device-panel': DevicePanel;
  }
}

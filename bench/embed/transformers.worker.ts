import { pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { exposeApi } from '../../src/core/rpc/index.ts';
import { configureTransformers } from '../lib/transformers-env.ts';

/**
 * transformers.js's feature-extraction pipeline on the same local ONNX file, in its own worker (ORT's
 * thread count is fixed per realm, as for Hearth's worker). It uses its own onnxruntime-web (its
 * `onnxruntime-web/webgpu` build, WASM EP), served from its nested node_modules since there is no CDN here.
 */
class TransformersBench {
  private extractor: FeatureExtractionPipeline | undefined;

  async load(options: { threads: number; modelRoot: string }): Promise<{ ortVersion: string | undefined }> {
    const ortVersion = configureTransformers(options);
    this.extractor = (await pipeline('feature-extraction', 'main', {
      device: 'wasm',
      dtype: 'fp32',
      model_file_name: 'model',
    })) as FeatureExtractionPipeline;
    return { ortVersion: ortVersion() };
  }

  /** Embeds `texts` in order, `batchSize` at a time, as a user of the pipeline would. */
  async embed(texts: string[], batchSize: number): Promise<Float32Array[]> {
    if (!this.extractor) throw new Error('load() first');
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const tensor = await this.extractor(texts.slice(start, start + batchSize), {
        pooling: 'mean',
        normalize: true,
      });
      const [rows, dim] = tensor.dims as [number, number];
      const data = tensor.data as Float32Array;
      for (let r = 0; r < rows; r++) out.push(data.slice(r * dim, (r + 1) * dim));
      tensor.dispose();
    }
    return out;
  }
}

exposeApi(new TransformersBench(), ['load', 'embed']);

import { z } from 'zod';

export const CHECKPOINT_FORMAT = 'worldmodels-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const MANIFEST_FILE = 'checkpoint.json';

/** `checkpoint.json`: format version, the files with sizes and checksums, weight shapes, metadata. */
export const checkpointManifestSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  createdAt: z.string(),
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.string(),
    quantization: z.object({ dtype: z.enum(['float16', 'uint8', 'uint16']), scale: z.number().optional(), min: z.number().optional(), original_dtype: z.string().optional() }).optional(),
  })),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type CheckpointManifest = z.infer<typeof checkpointManifestSchema>;

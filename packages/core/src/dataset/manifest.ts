import { z } from 'zod';

export const DATASET_FORMAT = 'worldmodels-dataset';
export const DATASET_VERSION = 1;

const dtypeSchema = z.enum(['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float16', 'float32', 'float64', 'bool']);

/** One per-step array of an episode: `shape` is the shape of a single step (e.g. [64, 64, 3]). */
export const arraySpecSchema = z.object({
  dtype: dtypeSchema,
  shape: z.array(z.number().int().nonnegative()),
});
export type ArraySpec = z.infer<typeof arraySpecSchema>;

/** `dataset.json`: what every episode of the set holds. */
export const datasetManifestSchema = z.object({
  format: z.literal(DATASET_FORMAT),
  version: z.literal(DATASET_VERSION),
  env: z.string().optional(),
  arrays: z.record(z.string(), arraySpecSchema),
  compress: z.boolean().default(true),
  info: z.record(z.string(), z.unknown()).optional(),
});
export type DatasetManifest = z.infer<typeof datasetManifestSchema>;

/** `episodes/<id>.json`: the sidecar that marks an episode complete and carries its checksum. */
export const episodeEntrySchema = z.object({
  id: z.string().min(1),
  file: z.string().min(1),
  length: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  seed: z.number().int().optional(),
  info: z.record(z.string(), z.unknown()).optional(),
});
export type EpisodeEntry = z.infer<typeof episodeEntrySchema>;

/** File stem of an episode: numeric ids are zero-padded so files sort in order. */
export function episodeStem(id: string | number): string {
  if (typeof id === 'number') {
    if (!Number.isInteger(id) || id < 0) throw new Error(`episode id must be a non-negative integer or a string, got ${id}`);
    return `ep-${String(id).padStart(6, '0')}`;
  }
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new Error(`episode id '${id}' may only hold letters, digits, '.', '_' and '-'`);
  return id;
}

export function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

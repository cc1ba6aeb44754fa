/** An episode file that fails its checksum, size or format check. */
export class CorruptEpisodeError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`corrupt episode ${file}: ${problem}`);
    this.name = 'CorruptEpisodeError';
  }
}

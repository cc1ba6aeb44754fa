/** One benchmark result line, as `npm run bench` prints it. */
export interface BenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: number | null;
  ratio: number | null;
  [extra: string]: unknown;
}

/** What a package's `bench/index.ts` exports. */
export interface BenchModule {
  /** The case names the module can run. */
  benchCases: readonly string[];
  /** Runs the named cases (all when omitted), yielding one result per case. */
  runBenchCases(names?: string[]): AsyncIterable<BenchResult>;
}

import { runBenchCases } from './index.js';
for await (const r of runBenchCases(process.argv.slice(2).length ? process.argv.slice(2) : undefined)) console.log(JSON.stringify(r));

// Prints one JSON line per benchmark case: `npm run bench -w @worldmodels/tfjs-backend-native [-- --case NAME]`.
import { runBenchCases } from './index.js';

const argv = process.argv.slice(2);
const names: string[] = [];
for (let i = 0; i < argv.length; i++) if (argv[i] === '--case' && argv[i + 1]) names.push(argv[++i]!);
for await (const line of runBenchCases(names)) console.log(JSON.stringify(line));

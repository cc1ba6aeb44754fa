export { worldmodelsProgram } from './program.js';
export { trainCommand } from './train-command.js';
export { parseSetOptions } from './parse-set.js';

export { registerAgentCommand, agentCommand } from './agent-command.js';
export { playAgent, type PlayAgentOptions, type AgentReport } from './play-agent.js';
export { loadAgentCheckpoint, disposeAgentCheckpoint, requiredCheckpointFiles, type AgentCheckpoint } from './agent-checkpoint.js';
export { writeComparisonGif, comparisonFrames, decodeLatents, encodeMeans } from './comparison-gif.js';
export { predictedLatents } from './predicted-latents.js';
export { RecordingAgent, type RecordedStep } from './recording-agent.js';
export { repoRoot, shippedCheckpointDir } from './repo-root.js';
export { writeUntrainedCheckpoint, type UntrainedCheckpointOptions } from './untrained-checkpoint.js';

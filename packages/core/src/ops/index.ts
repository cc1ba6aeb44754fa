export {
  lstmSequence,
  hasLSTMSequenceKernels,
  LSTM_SEQUENCE_KERNEL,
  LSTM_SEQUENCE_GRAD_KERNEL,
  type LSTMSequenceOptions,
  type LSTMSequenceResult,
} from './lstm-sequence.js';

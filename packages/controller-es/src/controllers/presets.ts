import { DoomController } from './doom-controller.js';
import { HiddenController } from './hidden-controller.js';
import { LinearController } from './linear-controller.js';
import type { Controller } from './controller.js';

/** The paper's controller variants. */
export type ControllerMode =
  /** a = tanh(W·[z, h] + b): the full world model agent (CarRacing 867 parameters). */
  | 'zh'
  /** a = tanh(W·z + b): V only (99). */
  | 'z'
  /** z → 40 tanh → 3: V only with a hidden layer (1,443). */
  | 'z-hidden'
  /** Doom TakeCover: tanh(w·[z, c, h]), no bias, three-way (1,088). */
  | 'doom';

export interface ControllerPresetOptions {
  /** z size (default 32; Doom 64). */
  zSize?: number;
  /** LSTM size (default 256; Doom 512). */
  hSize?: number;
  /** Hidden units for 'z-hidden' (default 40). */
  hiddenSize?: number;
}

/** Builds the controller of a mode with the reference's sizes. */
export function createController(mode: ControllerMode, options: ControllerPresetOptions = {}): Controller {
  switch (mode) {
    case 'zh':
      return new LinearController({ inputSize: (options.zSize ?? 32) + (options.hSize ?? 256), outputSize: 3, actionMap: 'carracing' });
    case 'z':
      return new LinearController({ inputSize: options.zSize ?? 32, outputSize: 3, actionMap: 'carracing' });
    case 'z-hidden':
      return new HiddenController({ inputSize: options.zSize ?? 32, hiddenSize: options.hiddenSize ?? 40, outputSize: 3, actionMap: 'carracing' });
    case 'doom':
      return new DoomController({ zSize: options.zSize ?? 64, hSize: options.hSize ?? 512 });
    default:
      throw new Error(`unknown controller mode '${String(mode)}' (known: zh, z, z-hidden, doom)`);
  }
}

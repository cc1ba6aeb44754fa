import type { RunConfig } from '../config/schema.js';
import { actionAdapter } from '../controller/action-adapter.js';
import type { ControllerLayoutOptions } from '../controller/controller-layout.js';

/** The controller layout a run config describes. */
export function layoutOptionsFor(config: RunConfig): ControllerLayoutOptions {
  return {
    form: config.controller.form,
    zSize: config.vae.zSize,
    hiddenSize: config.mdnrnn.hiddenSize,
    outputs: actionAdapter(config.env).outputs,
    hiddenUnits: config.controller.hiddenUnits,
  };
}

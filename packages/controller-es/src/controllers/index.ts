export { type Controller } from './controller.js';
export { LinearController, type LinearControllerOptions } from './linear-controller.js';
export { HiddenController, type HiddenControllerOptions } from './hidden-controller.js';
export { DoomController, type DoomControllerOptions } from './doom-controller.js';
export { carRacingAction, threeWayAction } from './car-racing-action.js';
export { createController, type ControllerMode, type ControllerPresetOptions } from './presets.js';
export { parseControllerFile, loadControllerFile, saveControllerFile, type ControllerFile } from './controller-file.js';

export { CarRacingEnv, CAR_RACING_DOC, type CarRacingOptions } from './car-racing-env.js';
export { generateTrack, type Track, type TrackPoint, type Quad } from './track.js';
export { Car, type Wheel, type RoadTile } from './car-dynamics.js';
export { CarRacingRenderer, cameraZoom, formatScore, DEFAULT_PALETTE, type CarRacingPalette, type CarRacingScene, type Indicators } from './car-racing-renderer.js';
export { CAR_RACING_THEMES, carRacingTheme, themePalette, type CarRacingTheme, type CarRacingThemeName } from './themes.js';
export { SEMANTIC_CLASSES, SEMANTIC_COLORS, LABEL_PALETTE, colorizeLabels, type SemanticClass, type SemanticMap } from './semantic.js';
export * as CAR_RACING from './constants.js';

export { CarRacingEnv, CAR_RACING_DOC, type CarRacingOptions } from './car-racing-env.js';
export { generateTrack, type Track, type TrackPoint, type Quad } from './track.js';
export { Car, type Wheel, type RoadTile } from './car-dynamics.js';
export { CarRacingRenderer, cameraZoom, formatScore, type CarRacingScene, type Indicators } from './car-racing-renderer.js';
export * as CAR_RACING from './constants.js';

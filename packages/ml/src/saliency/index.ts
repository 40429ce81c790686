export { gradCam } from './grad-cam.js';
export type { GradCamArgs, GradCamResult } from './grad-cam.js';
export { renderGradCamPng } from './grad-cam-png.js';
export type { RenderGradCamPngOptions } from './grad-cam-png.js';
export { exportGradCams } from './export-grad-cams.js';
export type { ExportGradCamsArgs, GradCamImage } from './export-grad-cams.js';

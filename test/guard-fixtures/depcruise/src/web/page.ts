import { app } from '../server/app.js';
export const page = app;

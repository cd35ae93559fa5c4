// layer-compose: compose may not import the server
import { app } from '../server/app.js';
export const root = app;

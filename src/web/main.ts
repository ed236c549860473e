// Entry point of the explorer page (bundled by vite into dist/explorer/assets/explorer.js).
import './style.css';
import { startExplorer } from './app.ts';

startExplorer();

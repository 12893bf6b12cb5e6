// Entry point: render the page first, then start the training worker, which loads TF.js off this thread.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { trainer } from './app/trainerClient';
import { installEscapeCloses } from './app/escapeCloses';
import './app/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
trainer.connect();
installEscapeCloses();

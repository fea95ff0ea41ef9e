// The page's entry: the app, with react-query for everything it loads.
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { makeQueryClient } from '../state/backend';
import { App } from './App';
// The page's styles, in cascade order: the theme's overrides come after the views they adjust.
import './app.css';
import '../views/flame/flame.css';
import '../views/explore/explore.css';
import '../views/tree/tree.css';
import '../views/graph/graph.css';
import './theme.css';
import '../views/file-mode.css';
import '../views/source/source.css';
import '../views/tags.css';

const queryClient = makeQueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);

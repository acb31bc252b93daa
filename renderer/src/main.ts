import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createStudioRouter } from './router';
import { createStudioClient } from './api';
import { STUDIO_CLIENT } from './composables/useStudio';
import { applyStoredTheme } from './composables/theme';
import './styles/index.css';

async function start(): Promise<void> {
  applyStoredTheme();
  // Before the router reads the address: the token is taken out of it first.
  const client = await createStudioClient();
  const app = createApp(App);
  // Provided before Pinia is installed so setup stores can inject the client.
  app.provide(STUDIO_CLIENT, client);
  app.use(createStudioRouter());
  app.use(createPinia());
  app.mount('#app');
}

void start();

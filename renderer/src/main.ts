import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createStudioClient } from './api';
import { STUDIO_CLIENT } from './composables/useStudio';
import { applyStoredTheme } from './composables/theme';
import './styles/index.css';

applyStoredTheme();
const app = createApp(App);
// Provided before Pinia is installed so setup stores can inject the client.
app.provide(STUDIO_CLIENT, createStudioClient());
app.use(createPinia());
app.mount('#app');

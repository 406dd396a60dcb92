// Read by the Vite plugin and by svelte-check. Components use runes (Svelte 5) only.
export default {
  compilerOptions: {
    runes: true,
  },
};

/** Scenario "hello": a fixed text body, the smallest possible response. */
export default {
  fetch: (): Response => new Response("Hello, World!"),
};

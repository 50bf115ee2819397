/** Scenario "upload": read the whole 64 KiB body, answer with its length. */
export default {
  fetch: async (request: Request): Promise<Response> =>
    new Response(String((await request.arrayBuffer()).byteLength)),
};

/** Scenario "json": parse the posted JSON and serialise it back. */
export default {
  fetch: async (request: Request): Promise<Response> => Response.json(await request.json()),
};

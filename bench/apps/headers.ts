/** Scenario "headers": every `x-bench-*` request header is read and sent back. */
export default {
  fetch(request: Request): Response {
    const headers = new Headers();
    for (const [name, value] of request.headers) {
      if (name.startsWith("x-bench-")) headers.set(name, value);
    }
    return new Response("ok", { headers });
  },
};

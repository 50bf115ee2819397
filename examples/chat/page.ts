/**
 * The chat page: plain HTML and a few lines of browser JavaScript using the
 * standard WebSocket API.
 */

/** The whole page, with `rooms` in the room picker. */
export function page(rooms: string[]): string {
  const options = rooms.map((r) => `<option>${r}</option>`).join("");
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>omniserve chat</title>
<style>
  body { font: 15px system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }
  #log { list-style: none; padding: 0; min-height: 12rem; border: 1px solid #ccc; }
  #log li { padding: .2rem .5rem; } #log b { margin-right: .4rem; }
  form { display: flex; gap: .4rem; margin: .5rem 0; } #text { flex: 1; }
</style>
<h1>omniserve chat</h1>
<form id="join">
  <input id="name" placeholder="your name" required maxlength="32">
  <select id="room">${options}</select>
  <button>join</button>
</form>
<p id="status">not connected</p>
<ul id="log"></ul>
<form id="say">
  <input id="text" placeholder="say something" autocomplete="off" disabled>
  <button id="send" disabled>send</button>
</form>
<script type="module">
  const $ = (id) => document.getElementById(id);
  let socket;
  $("join").onsubmit = (event) => {
    event.preventDefault();
    socket?.close(1000, "switching rooms");
    const query = new URLSearchParams({ name: $("name").value, room: $("room").value });
    socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws?" + query);
    socket.onopen = () => {
      $("status").textContent = "connected to #" + $("room").value;
      $("text").disabled = $("send").disabled = false;
    };
    socket.onmessage = (message) => {
      const { name, text } = JSON.parse(message.data);
      const item = document.createElement("li");
      item.append(Object.assign(document.createElement("b"), { textContent: name }), text);
      $("log").append(item);
    };
    socket.onclose = (event) => {
      $("status").textContent = "closed (" + event.code + ")";
      $("text").disabled = $("send").disabled = true;
    };
  };
  $("say").onsubmit = (event) => {
    event.preventDefault();
    if ($("text").value) socket.send($("text").value);
    $("text").value = "";
  };
</script>
</html>
`;
}

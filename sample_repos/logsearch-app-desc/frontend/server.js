const http = require("http");

const port = process.env.PORT || 5000;

http
  .createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end("<div id=\"app\"></div>");
  })
  .listen(port);

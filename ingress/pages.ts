// The controller's own answers (no route, no endpoints, refused): small HTML pages like nginx's.
import type { ServerResponse } from 'node:http';

const TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Authorization Required', 403: 'Forbidden', 404: 'Not Found', 413: 'Request Entity Too Large',
  431: 'Request Header Fields Too Large', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Timeout',
};

export const SERVER_HEADER = 'podnet-ingress';

function pageBody(status: number): { text: string; body: string } {
  const text = TEXT[status] ?? 'Error';
  return { text, body: `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>${SERVER_HEADER}</center>\r\n</body>\r\n</html>\r\n` };
}

export function sendPage(res: ServerResponse, status: number, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { body } = pageBody(status);
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body), server: SERVER_HEADER, ...extra });
  res.end(body);
}

/** The same page as a whole HTTP/1.1 response, for the fast engine's raw sockets. */
export function pageResponse(status: number, close: boolean): string {
  const { text, body } = pageBody(status);
  return `HTTP/1.1 ${status} ${text}\r\nserver: ${SERVER_HEADER}\r\ncontent-type: text/html\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${close ? 'connection: close\r\n' : ''}\r\n${body}`;
}

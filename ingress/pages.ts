// The controller's own answers (no route, no endpoints, refused): small HTML pages like nginx's.
import type { ServerResponse } from 'node:http';

const TEXT: Record<number, string> = {
  401: 'Authorization Required', 403: 'Forbidden', 404: 'Not Found', 413: 'Request Entity Too Large',
  502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Timeout',
};

export const SERVER_HEADER = 'podnet-ingress';

export function sendPage(res: ServerResponse, status: number, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = TEXT[status] ?? 'Error';
  const body = `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>${SERVER_HEADER}</center>\r\n</body>\r\n</html>\r\n`;
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body), server: SERVER_HEADER, ...extra });
  res.end(body);
}

// The API over HTTP (browser and CLI): packages/api's fetch handler with this process's connections.
import { handleTrpcRequest } from '@medsweep/api';
import { apiDeps } from '../../../../server/api-deps';

const handler = (request: Request): Promise<Response> => handleTrpcRequest(request, apiDeps());

export { handler as GET, handler as POST };

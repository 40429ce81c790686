// What to tell a person when a call fails: the API's own message (it names the field, role or action).
import { TRPCClientError } from '@trpc/client';

export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError || error instanceof Error) return error.message;
  return String(error);
}

/** The tRPC error code of a failed call (`FORBIDDEN`, `UNAUTHORIZED`, ...), if it came from the API. */
export function errorCode(error: unknown): string | null {
  return error instanceof TRPCClientError && typeof error.data?.code === 'string' ? error.data.code : null;
}

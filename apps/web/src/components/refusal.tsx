/** A page the caller's role may not see: the API's reason, verbatim. */
export function Refusal({ message }: { message: string }) {
  return (
    <p className="notice error" role="alert" data-testid="page-refused">
      {message}
    </p>
  );
}

'use client';
// Cancel, pause and resume. Buttons are enabled only for callers the API lets control this sweep (its
// `canControl`); anyone else sees them disabled with the reason. Should a call be refused anyway (a role
// changed since the page loaded), the API's message is shown as it came.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api-error';
import { isActiveSweep } from '../../lib/statuses';
import { useTRPC } from '../../trpc/client';

export interface SweepControlsProps {
  sweepId: string;
  status: string;
  canControl: boolean;
  role: string | null;
}

export function SweepControls({ sweepId, status, canControl, role }: SweepControlsProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.sweeps.get.queryKey({ sweepId }) });
  const cancel = useMutation(trpc.sweeps.cancel.mutationOptions({ onSuccess: refresh }));
  const pause = useMutation(trpc.sweeps.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.sweeps.resume.mutationOptions({ onSuccess: refresh }));
  const pending = cancel.isPending || pause.isPending || resume.isPending;
  const failed = [cancel, pause, resume].find((m) => m.isError);
  if (!isActiveSweep(status as Parameters<typeof isActiveSweep>[0])) return null;
  const disabled = !canControl || pending || status === 'cancelling';
  const reason = canControl ? undefined : 'sweep-controls-reason';
  return (
    <div className="toolbar" role="group" aria-label="Sweep controls" data-testid="sweep-controls">
      {status === 'paused' ? (
        <button
          type="button"
          onClick={() => resume.mutate({ sweepId })}
          disabled={disabled}
          aria-describedby={reason}
          data-testid="sweep-resume"
        >
          Resume
        </button>
      ) : (
        <button
          type="button"
          onClick={() => pause.mutate({ sweepId })}
          disabled={disabled}
          aria-describedby={reason}
          data-testid="sweep-pause"
        >
          Pause
        </button>
      )}
      <button
        type="button"
        className="danger"
        onClick={() => {
          if (confirm('Cancel this sweep? Running trials stop and are recorded as cancelled.'))
            cancel.mutate({ sweepId });
        }}
        disabled={disabled}
        aria-describedby={reason}
        data-testid="sweep-cancel"
      >
        Cancel sweep
      </button>
      {!canControl && (
        <span id="sweep-controls-reason" className="muted" data-testid="sweep-controls-reason">
          Your role in this project ({role ?? 'none'}) cannot control this sweep: members control their own
          sweeps, leads and admins any.
        </span>
      )}
      {failed && (
        <p className="notice error" role="alert" data-testid="sweep-control-error">
          {errorMessage(failed.error)}
        </p>
      )}
    </div>
  );
}

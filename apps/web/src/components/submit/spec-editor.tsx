'use client';
// Paste or upload a sweep spec (YAML or JSON). It is validated by the API as you type (debounced): syntax,
// schema, and that the dataset and weights exist in the project; each problem shows its path and line
// and jumps to that line. Submitting stores the sweep and opens its page.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import type { ChangeEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api-error';
import { useTRPC } from '../../trpc/client';

const VALIDATE_AFTER_MS = 400;

const PLACEHOLDER = `name: resnet vs vgg on pneumonia
project: default
dataset: pneumoniamnist
architectures: [vgg16, resnet50]
arms: [scratch, pretrained:imagenet]
search:
  strategy: grid
  space:
    lr: { type: choice, values: [0.001, 0.01] }
seeds: [0, 1, 2]
budget: { maxTrials: 24, maxParallel: 4, maxEpochs: 10 }`;

export function SpecEditor() {
  const trpc = useTRPC();
  const router = useRouter();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const validate = useMutation(trpc.sweeps.validateSpec.mutationOptions());
  const create = useMutation(
    trpc.sweeps.create.mutationOptions({ onSuccess: ({ sweepId }) => router.push(`/sweeps/${sweepId}`) }),
  );
  const { mutate: runValidation, reset: resetValidation } = validate;

  useEffect(() => {
    if (text.trim() === '') {
      resetValidation();
      return;
    }
    const timer = setTimeout(() => runValidation({ specText: text }), VALIDATE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [text, runValidation, resetValidation]);

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  };

  /** Puts the caret at the start of a 1-based line and scrolls it into view. */
  const goToLine = (line: number) => {
    const area = textarea.current;
    if (!area) return;
    const offset = text
      .split('\n')
      .slice(0, line - 1)
      .reduce((n, l) => n + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(offset, offset + (text.split('\n')[line - 1]?.length ?? 0));
  };

  const result = validate.data;
  const issues = result && !result.ok ? result.issues : [];
  const valid = result?.ok === true && !validate.isPending;
  return (
    <form
      className="spec-editor"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ specText: text });
      }}
      data-testid="spec-form"
    >
      <label>
        Sweep spec (YAML or JSON)
        <textarea
          ref={textarea}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={PLACEHOLDER}
          spellCheck={false}
          aria-invalid={issues.length > 0}
          aria-describedby="spec-issues"
          data-testid="spec-text"
        />
      </label>
      <label>
        …or upload a file
        <input
          type="file"
          accept=".yaml,.yml,.json,application/json,text/yaml"
          onChange={upload}
          data-testid="spec-file"
        />
      </label>
      <div id="spec-issues" aria-live="polite">
        {validate.isPending && <p className="muted">Validating…</p>}
        {issues.length > 0 && (
          <ul className="issues" data-testid="spec-issues">
            {issues.map((issue, i) => (
              <li key={i} data-testid="spec-issue" data-path={issue.path} data-line={issue.line ?? ''}>
                {issue.line !== undefined ? (
                  <button type="button" className="sort" onClick={() => goToLine(issue.line!)}>
                    line {issue.line}
                  </button>
                ) : (
                  'no line'
                )}{' '}
                · <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        )}
        {valid && result.ok && (
          <p className="notice success" data-testid="spec-valid">
            Valid: “{result.summary.name}” in {result.summary.project} on {result.summary.dataset},{' '}
            {result.summary.architectures.join(', ')} × {result.summary.arms.join(', ')}, seeds{' '}
            {result.summary.seeds.join(', ')}: {result.summary.plannedTrials} trials.
          </p>
        )}
        {validate.isError && (
          <p className="notice error" role="alert" data-testid="spec-error">
            {errorMessage(validate.error)}
          </p>
        )}
      </div>
      <p>
        <button
          className="primary"
          type="submit"
          disabled={!valid || create.isPending}
          data-testid="spec-submit"
        >
          {create.isPending ? 'Submitting…' : 'Submit sweep'}
        </button>
      </p>
      {create.isError && (
        <p className="notice error" role="alert" data-testid="submit-error">
          {errorMessage(create.error)}
        </p>
      )}
    </form>
  );
}

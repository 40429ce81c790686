import type { Metadata } from 'next';
import { SpecEditor } from '../../../components/submit/spec-editor';

export const metadata: Metadata = { title: 'Submit a sweep' };

export default function SubmitPage() {
  return (
    <>
      <h1>Submit a sweep</h1>
      <p className="muted">
        The spec names its project, dataset, architectures, initialisation arms, search space, seeds and
        budget. It is checked as you type; nothing is stored until you submit.
      </p>
      <SpecEditor />
    </>
  );
}

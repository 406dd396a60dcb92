// Questions the window asks before acting (Delete? Start on the PMI anyway?): a promise for the
// answer, and the one question shown now, which App shows in a ConfirmDialog or ChooseDialog.

export type Choice = { id: string; label: string; primary?: boolean };

export type Question = {
  /** "confirm": Cancel or one (destructive) action; "choose": Cancel or one of `choices`. */
  kind: "confirm" | "choose";
  title: string;
  detail: string;
  choices: Choice[];
  /** The chosen choice's id, or null for Cancel (Escape included). */
  answer: (id: string | null) => void;
};

class Asking {
  /** Raw (not made deeply reactive): a question is replaced whole, and compared by identity. */
  question = $state.raw<Question | null>(null);
}

export const asking = new Asking();

function ask(question: Omit<Question, "answer">): Promise<string | null> {
  // A question still open is cancelled by a newer one.
  asking.question?.answer(null);
  return new Promise((resolve) => {
    const q: Question = {
      ...question,
      answer: (id) => {
        if (asking.question === q) asking.question = null;
        resolve(id);
      },
    };
    asking.question = q;
  });
}

/** Cancel or `action`: resolves true for the action. */
export async function confirmDialog(title: string, detail: string, action: string): Promise<boolean> {
  return (await ask({ kind: "confirm", title, detail, choices: [{ id: "ok", label: action }] })) === "ok";
}

/** A choice between actions (and Cancel): resolves with the chosen action's id, or null. */
export function chooseDialog(title: string, detail: string, choices: Choice[]): Promise<string | null> {
  return ask({ kind: "choose", title, detail, choices });
}

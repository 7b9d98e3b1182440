/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// A pending input as an HTML form built from its JSON Schema. It posts to the console's form route (works
// without JavaScript), which sends the answer through the same `provideFlowInput` the API uses.
import { randomUUID } from 'node:crypto';
import type { PendingInput } from '../../common/types';
import { fieldName, inputForm, type FormField } from './form-model';
import { formatTime, prettyJson } from './format';

export interface InputFormProps {
  /** The form's action URL. */
  action: string;
  input: PendingInput;
}

const idOf = (input: string, path: string[]) => `in-${Buffer.from(`${input}/${path.join('/')}`).toString('base64url')}`;

/** One pending input: its description, its fields, and approve / deny / respond buttons. */
export function InputFormView({ action, input }: InputFormProps) {
  const form = inputForm(input.schema, input.name, input.interrupt !== undefined);
  const headingId = idOf(input.name, ['heading']);
  return (
    <form class="input" method="post" action={action} aria-labelledby={headingId}>
      <h3 id={headingId}>
        Input <code>{input.name}</code>
      </h3>
      {input.description ? <p>{input.description}</p> : null}
      <p class="muted">
        Asked at {formatTime(Date.parse(input.requestedAt))}
        {input.expiresAt ? `; without an answer by ${formatTime(Date.parse(input.expiresAt))} the wait times out` : ''}.
      </p>
      {input.rejected ? (
        <p class="alert" role="alert">
          An earlier answer was not accepted: {input.rejected}
        </p>
      ) : null}
      {input.interrupt !== undefined ? (
        <details>
          <summary>The interrupted tool request</summary>
          <pre>{prettyJson(input.interrupt)}</pre>
        </details>
      ) : null}
      {/* One key per rendered form: a double submit (or a retried post) is applied once. */}
      <input type="hidden" name="_key" value={randomUUID()} />
      {form.fields.map((field) => (
        <Field input={input.name} field={field} />
      ))}
      <div class="actions">
        {form.mode.kind === 'respond' ? (
          <button type="submit" name="_decision" value="respond">
            Respond
          </button>
        ) : (
          <>
            <button type="submit" name="_decision" value="approve">
              Approve
            </button>
            <button type="submit" name="_decision" value="deny" class="deny">
              Deny
            </button>
            {form.mode.kind === 'interrupt' ? (
              <button type="submit" name="_decision" value="respond" class="respond">
                Respond
              </button>
            ) : null}
          </>
        )}
      </div>
      <details>
        <summary>JSON Schema of the answer</summary>
        <pre>{prettyJson(input.schema ?? {})}</pre>
      </details>
    </form>
  );
}

function Field({ input, field }: { input: string; field: FormField }) {
  const id = idOf(input, field.path);
  const name = fieldName(field.path);
  const hintId = `${id}-hint`;
  const hint = field.description ? (
    <span class="hint" id={hintId}>
      {field.description}
    </span>
  ) : null;
  const label = (
    <>
      {field.label}
      {field.required && field.kind !== 'boolean' ? ' (required)' : ''}
    </>
  );
  const describedBy = field.description ? hintId : undefined;
  // The label of a single control (select, input) that stands after it.
  const labelFor = (
    <label for={id}>
      {label}
      {hint}
    </label>
  );
  switch (field.kind) {
    case 'group':
      return (
        <fieldset>
          <legend>{field.label}</legend>
          {hint}
          {field.fields.map((sub) => (
            <Field input={input} field={sub} />
          ))}
        </fieldset>
      );
    case 'boolean':
      return (
        <label for={id}>
          <input type="checkbox" id={id} name={name} value="true" aria-describedby={describedBy} /> {label}
          {hint}
        </label>
      );
    case 'enum':
      return (
        <>
          {labelFor}
          <select id={id} name={name} required={field.required} aria-describedby={describedBy}>
            {field.required ? null : <option value="">(none)</option>}
            {field.options.map((option, i) => (
              <option value={String(i)}>{typeof option === 'string' ? option : JSON.stringify(option)}</option>
            ))}
          </select>
        </>
      );
    case 'number':
      return (
        <>
          {labelFor}
          <input
            type="number"
            id={id}
            name={name}
            step={field.integer ? '1' : 'any'}
            required={field.required}
            aria-describedby={describedBy}
          />
        </>
      );
    case 'text':
      return (
        <>
          {labelFor}
          <input
            type={field.format === 'email' ? 'email' : 'text'}
            id={id}
            name={name}
            required={field.required}
            aria-describedby={describedBy}
          />
        </>
      );
    case 'json':
      return (
        <>
          <label for={id}>
            {label} <span class="hint">(JSON)</span>
            {hint}
          </label>
          <textarea id={id} name={name} rows={4} required={field.required} aria-describedby={describedBy} />
        </>
      );
  }
}

import { useDeferredValue, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApplications, useCreateApplication } from '../api/queries';
import { Dialog } from '../components/confirm-dialog';
import { ErrorBox } from '../components/error-box';
import { Pager } from '../components/pager';

const PAGE = 20;

export function ApplicationsPage() {
  const apps = useApplications();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const [creating, setCreating] = useState(false);
  const q = useDeferredValue(search.trim().toLowerCase());
  const matching = useMemo(
    () => (apps.data?.items ?? []).filter((a) => q === '' || a.name.includes(q) || (a.description ?? '').toLowerCase().includes(q) || (a.email ?? '').toLowerCase().includes(q)),
    [apps.data, q],
  );
  const shown = matching.slice(page * PAGE, page * PAGE + PAGE);
  return (
    <section aria-labelledby="apps-title">
      <div className="row between">
        <h1 id="apps-title">Applications</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create application
        </button>
      </div>
      <div className="toolbar">
        <label htmlFor="app-search" className="visually-hidden">
          Search applications
        </label>
        <input
          id="app-search"
          type="search"
          placeholder="Search applications"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(0);
          }}
        />
        <span className="muted">{apps.data ? `${matching.length} of ${apps.data.items.length}` : ''}</span>
      </div>
      <ErrorBox error={apps.error} />
      {apps.isPending ? (
        <p role="status">Loading…</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Owner</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.name}>
                <td>
                  <Link to={`/applications/${a.name}/pipelines`}>{a.name}</Link>
                </td>
                <td>{a.email ?? ''}</td>
                <td>{a.description ?? ''}</td>
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
                  {q ? 'No application matches.' : 'No applications yet: create one.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <Pager page={page} hasNext={(page + 1) * PAGE < matching.length} onPage={setPage} label="Applications" />
      <CreateApplicationDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}

function CreateApplicationDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateApplication();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [description, setDescription] = useState('');
  const valid = /^[a-z][a-z0-9]{0,62}$/.test(name);
  return (
    <Dialog open={open} title="Create application" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name, ...(email ? { email } : {}), ...(description ? { description } : {}) },
            {
              onSuccess: () => {
                onClose();
                void navigate(`/applications/${name}/pipelines`);
              },
            },
          );
        }}
      >
        <label htmlFor="app-name">Name</label>
        <input id="app-name" required value={name} onChange={(e) => setName(e.target.value.toLowerCase())} aria-describedby="app-name-help" aria-invalid={name !== '' && !valid} />
        <p id="app-name-help" className="muted small">
          Lower-case letters and digits, starting with a letter.
        </p>
        <label htmlFor="app-email">Owner email</label>
        <input id="app-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="app-description">Description</label>
        <textarea id="app-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        <ErrorBox error={create.error} />
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!valid || create.isPending}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}

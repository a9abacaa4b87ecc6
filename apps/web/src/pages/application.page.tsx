import { NavLink, Outlet, useParams } from 'react-router';
import { useApplication } from '../api/queries';
import { ErrorBox } from '../components/error-box';

export function ApplicationPage() {
  const { app = '' } = useParams();
  const application = useApplication(app);
  return (
    <section aria-labelledby="app-title">
      <h1 id="app-title">{app}</h1>
      {application.data?.description && <p className="muted">{application.data.description}</p>}
      <ErrorBox error={application.error} />
      <nav className="tabs" aria-label="Application">
        <NavLink to="pipelines">Pipelines</NavLink>
        <NavLink to="executions">Executions</NavLink>
        <NavLink to="clusters">Clusters</NavLink>
        <NavLink to="deliveries">Trigger deliveries</NavLink>
      </nav>
      <Outlet />
    </section>
  );
}

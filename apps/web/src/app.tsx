import { ApiError } from '@gennaker/api-client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useNavigate } from 'react-router';
import { setUnauthorizedHandler } from './api/client';
import { Layout } from './components/layout';
import { ApplicationPage } from './pages/application.page';
import { ApplicationsPage } from './pages/applications.page';
import ExecutionPage from './pages/execution.page';
import { PipelinesPage } from './pages/pipelines.page';
import { SignInPage } from './pages/sign-in.page';

// The pages people land on most (pipelines, an execution) are in the main bundle: a lazy page that
// suspends is held back by React's Suspense throttling (~300 ms). The others load on demand and are
// fetched in the background once the first page is up.
const pages = {
  editor: () => import('./pages/pipeline-editor.page'),
  clusters: () => import('./pages/clusters.page'),
  executions: () => import('./pages/executions.page'),
  canary: () => import('./pages/canary.page'),
  deliveries: () => import('./pages/deliveries.page'),
};
const PipelineEditorPage = lazy(pages.editor);
const ClustersPage = lazy(pages.clusters);
const ExecutionsPage = lazy(pages.executions);
const CanaryPage = lazy(pages.canary);
const DeliveriesPage = lazy(pages.deliveries);

/** After the first page has its data (a few seconds), so the chunks never queue before its API calls. */
function prefetchPages(): () => void {
  const run = () => Object.values(pages).forEach((load) => void load().catch(() => undefined));
  const later = setTimeout(() => ('requestIdleCallback' in window ? window.requestIdleCallback(run, { timeout: 5000 }) : run()), 4000);
  return () => clearTimeout(later);
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A 4xx will not get better by asking again.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

/** Sends the user to sign in when the API answers 401, then back where they were. */
function AuthRedirect() {
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      if (window.location.pathname !== '/sign-in') {
        queryClient.clear();
        void navigate(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
      }
    });
  }, [navigate]);
  return <Outlet />;
}

const page = (el: React.ReactNode) => <Suspense fallback={<p className="muted" role="status">Loading…</p>}>{el}</Suspense>;

const router = createBrowserRouter([
  {
    element: <AuthRedirect />,
    children: [
      { path: '/sign-in', element: <SignInPage /> },
      {
        element: <Layout />,
        children: [
          { path: '/', element: <Navigate to="/applications" replace /> },
          { path: '/applications', element: <ApplicationsPage /> },
          {
            path: '/applications/:app',
            element: <ApplicationPage />,
            children: [
              { index: true, element: <Navigate to="pipelines" replace /> },
              { path: 'pipelines', element: <PipelinesPage /> },
              { path: 'executions', element: page(<ExecutionsPage />) },
              { path: 'clusters', element: page(<ClustersPage />) },
              { path: 'deliveries', element: page(<DeliveriesPage />) },
            ],
          },
          { path: '/applications/:app/pipelines/new', element: page(<PipelineEditorPage />) },
          { path: '/pipelines/:id/edit', element: page(<PipelineEditorPage />) },
          { path: '/executions/:id', element: <ExecutionPage /> },
          { path: '/canary/results/:id', element: page(<CanaryPage />) },
          { path: '/deliveries', element: page(<DeliveriesPage />) },
          { path: '*', element: <p role="alert">No such page.</p> },
        ],
      },
    ],
  },
]);

export function App() {
  useEffect(prefetchPages, []);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}

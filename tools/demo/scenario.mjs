// What `npm run demo` does once everything runs: the demo application and its pipelines.
export async function runScenario({ apiUrl, webUrl, token, log }) {
  const call = async (method, path, body) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const app = await call('GET', '/api/v1/applications/demo');
  if (app.status === 404) await call('POST', '/api/v1/applications', { name: 'demo', email: 'demo@example.com', description: 'The Gennaker demo application' });
  const hello = await call('POST', '/api/v1/pipelines', {
    application: 'demo',
    name: 'hello',
    stages: [
      { refId: '1', type: 'wait', name: 'Wait', waitTime: 2 },
      { refId: '2', type: 'manualJudgment', name: 'Approve', requisiteStageRefIds: ['1'], instructions: 'Continue?' },
    ],
  });
  log(`pipeline demo/hello is ${hello.body?.id}`);
  console.log(`
  Gennaker is running.
    API:    ${apiUrl}/api/v1   (OpenAPI: ${apiUrl}/api/docs)
    UI:     ${webUrl ?? '(not built)'}
    Token:  ${token}
  Try:
    curl -H 'Authorization: Bearer ${token}' ${apiUrl}/api/v1/applications/demo/pipelines
`);
}

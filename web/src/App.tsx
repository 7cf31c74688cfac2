import { useEffect } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import CompareScreen from './screens/CompareScreen';
import HistoryScreen from './screens/HistoryScreen';
import ImportedScreen from './screens/ImportedScreen';
import ImportScreen from './screens/ImportScreen';
import JobScreen from './screens/JobScreen';
import SetupScreen from './screens/SetupScreen';

function NavLink({ href, children }: { href: string; children: string }) {
  const [loc] = useLocation();
  const current = href === '/' ? loc === '/' : loc.startsWith(href);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** A page title per screen, so tabs, history and screen readers can tell them apart. */
function useTitle() {
  const [loc] = useLocation();
  useEffect(() => {
    const m = /^\/jobs\/([^/]+)/.exec(loc);
    const page = m
      ? `Job ${decodeURIComponent(m[1])}`
      : loc.startsWith('/history')
        ? 'History'
        : loc.startsWith('/import')
          ? 'Open results'
          : 'New count';
    document.title = `${page} · epubtok`;
  }, [loc]);
}

export default function App() {
  useTitle();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="epubtok home">
          <span className="brand-mark" aria-hidden="true">
            e
          </span>
          epubtok
        </Link>
        <nav aria-label="Main">
          <NavLink href="/">New count</NavLink>
          <NavLink href="/history">History</NavLink>
          <NavLink href="/import">Open results</NavLink>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/" component={SetupScreen} />
          <Route path="/jobs/:id">{(p) => <JobScreen key={p.id} id={p.id} />}</Route>
          <Route path="/history" component={HistoryScreen} />
          <Route path="/import" component={ImportScreen} />
          <Route path="/imports/:id">{(p) => <ImportedScreen key={p.id} id={p.id} />}</Route>
          <Route path="/compare" component={CompareScreen} />
          <Route>
            <div className="card">
              <h1>Page not found</h1>
              <p>
                <Link href="/">Start a new count</Link>
              </p>
            </div>
          </Route>
        </Switch>
      </main>
    </>
  );
}

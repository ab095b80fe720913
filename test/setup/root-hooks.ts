import { stopTestPostgres } from './databases.js';

// The throw-away PostgreSQL server is started lazily by the first test that needs it and
// stopped once after the whole run.
after(function () {
  stopTestPostgres();
});

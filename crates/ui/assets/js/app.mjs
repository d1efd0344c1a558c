// Loaded with <script type="module" src="/assets/js/app.mjs"> at the end of <body>.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

// Loaded as a classic script right after <body> opens (the Content-Security-Policy
// forbids inline script). Marks the page as having JavaScript, and as able to run
// govuk-frontend's ES modules, before anything is painted.
(function () {
  var body = document.body;
  body.className += ' js-enabled' +
    ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
})();

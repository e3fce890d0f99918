// The widget manager (@jupyter-widgets/html-manager) typesets widget labels with MathJax 2's
// MathJax.Hub.Queue; the site loads MathJax 3, which has no Hub. On pages with maths (where
// Sphinx has put MathJax 3's configuration in window.MathJax) give it that one call.
(function () {
  if (window.MathJax === undefined) return; // no maths on this page: the manager skips it
  const pending = [];
  const typeset = (element) => {
    if (window.MathJax.typesetPromise) window.MathJax.typesetPromise([element]);
    else pending.push(element);
  };
  const hub = {
    Queue: (...calls) => calls.forEach((call) => {
      if (Array.isArray(call) && call[0] === 'Typeset' && call[2]) typeset(call[2]);
    }),
  };
  const config = window.MathJax;
  config.Hub = hub;
  config.startup = Object.assign({}, config.startup, {
    ready() {
      window.MathJax.startup.defaultReady();
      window.MathJax.Hub = hub;
      window.MathJax.startup.promise.then(() => {
        if (pending.length) window.MathJax.typesetPromise(pending.splice(0));
      });
    },
  });
})();

/* A form with a data-confirm attribute asks its question before it is sent (a cancellation,
 * a deletion): the page's content policy allows no inline handler, so this listens for them all. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();

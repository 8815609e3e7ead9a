(function () {
  var input = document.getElementById('timezone');
  if (!input || input.getAttribute('data-detect') !== 'true') return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    input.value = zone;
    var label = document.getElementById('timezone-label');
    if (label) label.textContent = zone;
  } catch (e) {}
})();

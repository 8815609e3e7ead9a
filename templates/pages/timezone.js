(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  var input = document.getElementById('timezone');
  if (input && input.getAttribute('data-detect') === 'true') {
    input.value = zone;
    var label = document.getElementById('timezone-label');
    if (label) label.textContent = zone;
  }
  var offer = document.getElementById('timezone-offer');
  var use = document.getElementById('use-detected-zone');
  if (!offer || !use || !input || input.value === zone) return;
  var known = false;
  for (var i = 0; i < input.options.length; i++) if (input.options[i].value === zone) known = true;
  if (!known) return;
  document.getElementById('detected-zone').textContent = zone;
  offer.hidden = false;
  use.addEventListener('click', function () {
    input.value = zone;
    offer.hidden = true;
    input.focus();
  });
})();

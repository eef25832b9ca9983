package demo

import "github.com/alianza-pe/alianza/internal/model"

// trainingFor gives the i-th generated meeting of kind training its audience
// counts (nil for other kinds). It draws no random numbers, so adding it
// left the rest of the generated data unchanged.
func trainingFor(kind string, i int) *model.Training {
	if kind != model.KindTraining {
		return nil
	}
	modality := model.TrainingModalities[i%len(model.TrainingModalities)]
	a := model.AudienceTypes[i%len(model.AudienceTypes)]
	b := model.AudienceTypes[(i+3)%len(model.AudienceTypes)]
	return &model.Training{
		Modality: modality,
		Audience: []model.AudienceCount{{Type: a, Count: 10 + i%40}, {Type: b, Count: 5 + i%25}},
		Topics:   []string{"enfoque centrado en la víctima", "atención informada en trauma"},
	}
}
